{{- define "sanctum.auditName" -}}{{ include "sanctum.fullname" . }}-audit{{- end }}
{{- define "sanctum.auditTlsSecret" -}}{{ include "sanctum.auditName" . }}-tls{{- end }}
