/**
 * The known-pattern families of `injection.ts` phrased in Spanish, French, German, Portuguese,
 * Italian, Russian, Chinese (simplified and traditional) and Japanese. They run on the folded text
 * (`foldForMatching`): NFKC, invisible characters removed, look-alike letters of another script
 * inside a word mapped to the word's own script, and the accents of Latin letters removed, so the
 * Latin-script patterns are written without accents (`precedentes`, `systeme`, `ubergehe`).
 *
 * Every pattern is bounded (no unbounded repetition, no quantified group holding a quantifier) and
 * keeps the English families' guards: a negation just before the verb (`no`, `ne pas`, `nicht`,
 * `non`, `не`, `不要`, `しないで`) is not an attack, and the object must be the model's own
 * instructions (a qualifier such as "previous" or "your"), not any instructions.
 */

export interface LanguageFamily {
  family: string;
  lang: 'es' | 'fr' | 'de' | 'pt' | 'it' | 'ru' | 'zh' | 'ja';
  weight: number;
  re: RegExp;
}

/** Words within one clause: no sentence end, no comma, semicolon or colon. */
const GAP = '[^.!?;:,\\n]{0,24}';
/** Characters within one clause of Chinese or Japanese (no spaces between words). */
const CJK = '[^。.!?;\\n]{0,8}';
/** Not right after a Cyrillic or Latin letter. */
const RU = '(?<![а-яёa-z])';

const make = (source: string, flags = 'i') => new RegExp(source.replace(/GAP/g, GAP).replace(/CJK/g, CJK).replace(/RU/g, RU), flags);

/** Verb, qualifier ("previous", "all", "your") and noun ("instructions") of one language, in either order around the noun. */
function ignoreFamily(negation: string, verb: string, qualifier: string, noun: string): RegExp {
  const v = `${negation}\\b(?:${verb})\\b`;
  return make(String.raw`${v}GAP\b(?:${qualifier})\bGAP\b(?:${noun})\b|${v}GAP\b(?:${noun})\b[^.!?;:,\n]{0,25}\b(?:${qualifier})\b`);
}

const IGNORE = 'ignore-previous-instructions';
const NEW = 'new-instructions';
const ROLE = 'role-play-jailbreak';
const PROMPT = 'system-prompt-exfiltration';

/**
 * A word that every match of a Spanish, French, German, Portuguese or Italian family holds (the
 * object "instructions", "rules", "prompt"…, a "from now on", a "mode", a "without restrictions"):
 * text without one skips those twenty patterns, which keeps them off the cost of most requests.
 */
export const LATIN_CUE =
  /instruc|instrukt|istruz|indica|regla|regle|regras|regol|regeln|consign|consegn|directi|diretriz|diretti|normas|ordenes|ordens|ordini|restricc|restricti|restrico|restrizi|pautas|prompt|invite|anweis|vorgab|richtlin|befehl|einschr|beschr|anordn|vorschr|orienta|comand|linee guida|ahora|maintenant|desormais|dorenavant|aujourd|jetzt|sofort|nun an|heute|agora|diante|ora in|adesso|momento|avanti|modo|mode |modus|modalita|sin |sans |ohne |sem |senza |censur|zensi|gefiltert|malvad|malvag|malefi|malveil|debride|mensaje|mensagem|messaggio|message|nachricht/i;

export const LANGUAGE_FAMILIES: readonly LanguageFamily[] = [
  // Spanish
  {
    family: IGNORE,
    lang: 'es',
    weight: 0.75,
    re: ignoreFamily(
      '(?<!\\bno )',
      'ignora|ignore|ignoren|ignorad|ignorar|olvida|olvide|olviden|olvidad|olvidar|olvidate de|descarta|descarte|omite|omita|pasa por alto|pase por alto|haz caso omiso (?:a|de)|no hagas caso (?:a|de)|no sigas|no obedezcas',
      'anteriores|previas|previos|precedentes|de arriba|originales|iniciales|todas|todos|tus|sus|del sistema|que te (?:dieron|han dado|di)',
      'instrucciones|indicaciones|reglas|directrices|normas|ordenes|restricciones|pautas|consignas|prompt',
    ),
  },
  {
    family: NEW,
    lang: 'es',
    weight: 0.5,
    re: make(
      String.raw`\b(?:a partir de ahora|desde ahora|de ahora en adelante),? (?:tu |usted )?(?:eres|seras|vas a|debes|deberas|actuaras|responderas|te llamas|ya no eres)\b|\b(?:nuevas|verdaderas|autenticas) (?:instrucciones|reglas|directrices)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'es',
    weight: 0.65,
    re: make(
      String.raw`\bmodo (?:desarrollador|DAN|dios) (?:activado|habilitado|activo)\b|\b(?:actua|actue|finge|finja|comportate|comportese|imagina que eres|eres|seras|interpreta (?:a|el papel de))\bGAP\b(?:sin (?:ningun tipo de |ninguna |ningun )?(?:restriccion(?:es)?|filtros?|censura|reglas?|limites|etica|limitaciones)|no censurad[oa]|malvad[oa]|sin escrupulos)\b`,
    ),
  },
  {
    family: PROMPT,
    lang: 'es',
    weight: 0.6,
    re: make(
      String.raw`\b(?:revela|revelame|muestra|muestrame|dime|repite|imprime|escribe|ensename|cual es|cuales son|comparte)\bGAP\b(?:tus instrucciones|tu prompt|(?:el |tu )?(?:prompt|mensaje) (?:del|de) sistema|las instrucciones (?:del sistema|iniciales|originales|ocultas|secretas|que te dieron))\b`,
    ),
  },
  // French
  {
    family: IGNORE,
    lang: 'fr',
    weight: 0.75,
    re: ignoreFamily(
      "(?<!\\bn'|\\bne |\\bpas |\\bjamais )",
      'ignore|ignorez|ignorer|oublie|oubliez|oublier|ne tiens pas compte|ne tenez pas compte|fais abstraction|faites abstraction|laisse tomber|laissez tomber|contourne|contournez|outrepasse|outrepassez|passe outre|passez outre|ne suis pas|ne suivez pas',
      "precedentes|anterieures|ci-dessus|d'avant|initiales|originales|toutes|tous|tes|vos|du systeme|qu'on t'a donnees",
      'instructions|consignes|regles|directives|indications|restrictions|prompt|invites?',
    ),
  },
  {
    family: NEW,
    lang: 'fr',
    weight: 0.5,
    re: make(
      String.raw`\b(?:a partir de maintenant|desormais|dorenavant|a partir d'aujourd'hui),? (?:tu es|tu seras|tu vas|tu dois|tu devras|tu agiras|tu reponds|vous etes|vous serez|vous allez|vous devez|tu t'appelles|tu n'es plus)\b|\b(?:nouvelles|vraies|veritables) (?:instructions|consignes|regles|directives)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'fr',
    weight: 0.65,
    re: make(
      String.raw`\bmode (?:developpeur|DAN|dieu) (?:active|enclenche)\b|\b(?:agis|agissez|fais semblant d'etre|faites semblant d'etre|fais comme si tu etais|joue le role d(?:e |')|comporte-toi comme|tu es|tu seras|incarne)GAP\b(?:sans (?:aucune |aucun )?(?:restrictions?|filtres?|censure|regles|limites|ethique|limitations?)|non censure|debride|malveillant|malefique)`,
    ),
  },
  {
    family: PROMPT,
    lang: 'fr',
    weight: 0.6,
    re: make(
      String.raw`\b(?:revele|revelez|montre|montrez|montre-moi|montrez-moi|affiche|affichez|repete|repetez|donne-moi|donnez-moi|dis-moi|dites-moi|imprime|ecris|quel est|quelles sont|partage)\bGAP\b(?:tes (?:instructions|consignes)|vos (?:instructions|consignes)|(?:ton |votre |le )?prompt (?:systeme|initial|cache|secret)|(?:le |ton |votre )?message systeme|les (?:instructions|consignes) (?:systeme|du systeme|initiales|originales|cachees|secretes))`,
    ),
  },
  // German
  {
    family: IGNORE,
    lang: 'de',
    weight: 0.75,
    re: make(
      String.raw`\b(?:ignoriere|ignorier|ignoriert|ignorieren sie|vergiss|vergesst|vergessen sie|missachte|missachtet|missachten sie|ubergehe|ubergeht|verwirf|verwerft)\b(?! nicht\b)GAP\b(?:vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|vorstehenden?|fruheren?|ursprunglichen?|alle|allen|deine|deinen|ihre|jegliche|samtliche)\bGAP\b(?:anweisungen|anweisung|instruktionen|regeln|vorgaben|richtlinien|befehle|einschrankungen|beschrankungen|systemprompt|system-prompt|anordnungen|vorschriften)\b|\b(?:vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|ursprunglichen?|alle|deine)\bGAP\b(?:anweisungen|instruktionen|regeln|vorgaben|richtlinien|einschrankungen|systemprompt)\bGAP(?<!\bnicht )\b(?:ignorieren|vergessen|missachten|ubergehen|verwerfen)\b`,
    ),
  },
  {
    family: NEW,
    lang: 'de',
    weight: 0.5,
    re: make(
      String.raw`\b(?:ab jetzt|ab sofort|von nun an|ab heute),? (?:bist du|wirst du|musst du|sollst du|antwortest du|heisst du|du bist)\b|\bneue (?:anweisungen|instruktionen|regeln|vorgaben)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'de',
    weight: 0.65,
    re: make(
      String.raw`\b(?:entwicklermodus|developer-modus|DAN-modus)(?: ist)? (?:aktiviert|eingeschaltet)\b|\b(?:tu so,? als|verhalte dich wie|spiel die rolle|spiele die rolle|du bist|agiere als|handle als|stell dir vor,? du bist)GAP\b(?:ohne (?:jegliche |jede |alle |irgendwelche )?(?:einschrankungen|beschrankungen|filter|zensur|regeln|grenzen|ethik|moral)|unzensiert|ungefiltert)\b`,
    ),
  },
  {
    family: PROMPT,
    lang: 'de',
    weight: 0.6,
    re: make(
      String.raw`\b(?:zeig|zeige|zeigen sie|verrate|verraten sie|nenne|nennen sie|wiederhole|wiederholen sie|gib|geben sie|drucke|schreib|schreibe|was ist|was sind|offenbare|enthulle|teile)\bGAP\b(?:(?:deine|deinen|ihre|ihren) (?:(?:ursprunglichen|ersten|versteckten|geheimen|initialen|kompletten|vollstandigen|genauen) )?(?:systemprompt|system-prompt|systemnachricht|anweisungen|instruktionen|vorgaben)|(?:den|die|das) (?:systemprompt|system-prompt|systemnachricht|(?:versteckten|geheimen|ursprunglichen|initialen) (?:anweisungen|instruktionen)))\b`,
    ),
  },
  // Portuguese
  {
    family: IGNORE,
    lang: 'pt',
    weight: 0.75,
    re: ignoreFamily(
      '(?<!\\bnao )',
      'ignore|ignora|ignorem|ignorar|esqueca|esquece|esquecam|esquecer|desconsidere|desconsidera|desconsiderem|desconsiderar|descarte|descarta|despreze|despreza|nao siga|nao obedeca',
      'anteriores|previas|acima|originais|iniciais|todas|todos|suas|tuas|seus|teus|do sistema',
      'instrucoes|instrucao|regras|diretrizes|orientacoes|restricoes|comandos|prompt|ordens',
    ),
  },
  {
    family: NEW,
    lang: 'pt',
    weight: 0.5,
    re: make(
      String.raw`\b(?:a partir de agora|de agora em diante|daqui em diante),? (?:voce |tu )?(?:e|es|sera|vai|deve|devera|agira|se chama|nao e mais)\b|\b(?:novas|verdadeiras) (?:instrucoes|regras|diretrizes)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'pt',
    weight: 0.65,
    re: make(
      String.raw`\bmodo (?:desenvolvedor|DAN|deus) (?:ativado|habilitado|ativo)\b|\b(?:aja|age|finja|finge|atue|atua|comporte-se|voce e|voce sera|seja|interprete)\bGAP\b(?:sem (?:nenhuma |qualquer |quaisquer )?(?:restricoes|restricao|filtros?|censura|regras?|limites|etica|limitacoes)|nao censurad[oa]|malvad[oa])\b`,
    ),
  },
  {
    family: PROMPT,
    lang: 'pt',
    weight: 0.6,
    re: make(
      String.raw`\b(?:revele|revela|mostre|mostra|me mostre|diga|diz|repita|repete|imprima|escreva|qual e|quais sao|compartilhe)\bGAP\b(?:suas instrucoes|tuas instrucoes|seu prompt|teu prompt|(?:o |seu |teu )?(?:prompt|mensagem) (?:do|de) sistema|as instrucoes (?:do sistema|iniciais|originais|ocultas|secretas))\b`,
    ),
  },
  // Italian
  {
    family: IGNORE,
    lang: 'it',
    weight: 0.75,
    re: ignoreFamily(
      '(?<!\\bnon )',
      'ignora|ignori|ignorate|ignorare|dimentica|dimentichi|dimenticate|dimenticare|tralascia|tralasciate|trascura|trascurate|scarta|scartate|non tenere conto d(?:i|elle|egli)|non considerare|non seguire|non rispettare',
      'precedenti|di prima|sopra|soprastanti|originali|iniziali|tutte|tutti|tue|sue|vostre|del sistema',
      'istruzioni|regole|direttive|indicazioni|restrizioni|linee guida|prompt|consegne|ordini',
    ),
  },
  {
    family: NEW,
    lang: 'it',
    weight: 0.5,
    re: make(
      String.raw`\b(?:d'ora in poi|da ora in poi|da adesso in poi|da questo momento|d'ora in avanti),? (?:tu )?(?:sei|sarai|devi|dovrai|agirai|risponderai|ti chiami|non sei piu)\b|\b(?:nuove|vere) (?:istruzioni|regole|direttive)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'it',
    weight: 0.65,
    re: make(
      String.raw`\bmodalita (?:sviluppatore|DAN|dio) (?:attivata|abilitata|attiva)\b|\b(?:agisci|comportati|fingi di essere|fai finta di essere|interpreta|sei|sarai)\bGAP\b(?:senza (?:alcuna |nessuna |alcun )?(?:restrizion[ei]|filtr[oi]|censura|regol[ae]|limit[ie]|etica|limitazion[ei])|non censurat[oa]|malvagi[oa])\b`,
    ),
  },
  {
    family: PROMPT,
    lang: 'it',
    weight: 0.6,
    re: make(
      String.raw`\b(?:rivela|rivelami|mostra|mostrami|dimmi|ripeti|stampa|scrivi|quali sono|qual e|condividi)\bGAP\b(?:le tue istruzioni|tue istruzioni|il tuo prompt|(?:il )?(?:prompt|messaggio) (?:di|del) sistema|le istruzioni (?:di sistema|del sistema|iniziali|originali|nascoste|segrete))\b`,
    ),
  },
  // Russian
  {
    family: IGNORE,
    lang: 'ru',
    weight: 0.75,
    re: make(
      String.raw`RU(?<!не )(?:проигнорируй|проигнорируйте|игнорируй|игнорируйте|игнорировать|забудь|забудьте|забыть|не обращай внимания на|не обращайте внимания на|отбрось|отбросьте|отбросить|пренебреги|пренебрегите|не следуй|не следуйте|не слушай|отмени|отмените)GAPRU(?:все|всё|всех|предыдущие|предыдущих|прежние|прежних|прошлые|прошлых|вышеуказанные|вышеуказанных|свои|своих|твои|твоих|ваши|ваших|системные|системных|изначальные|изначальных|исходные|исходных|данные тебе)GAPRU(?:инструкции|инструкций|указания|указаний|правила|правил|ограничения|ограничений|директивы|директив|промпт|подсказки|команды|команд|установки|установок)`,
    ),
  },
  {
    family: NEW,
    lang: 'ru',
    weight: 0.5,
    re: make(
      String.raw`RU(?:с этого момента|отныне|начиная с этого момента|теперь),? ты (?:будешь|должен|должна|являешься|больше не|называешься)|RUновые (?:инструкции|указания|правила)\s{0,3}:`,
    ),
  },
  {
    family: ROLE,
    lang: 'ru',
    weight: 0.65,
    re: make(
      String.raw`RUрежим (?:разработчика|DAN|бога) (?:включен|включён|активирован)|RU(?:притворись,? что ты|притворись|представь,? что ты|веди себя как|играй роль|сыграй роль|ты теперь|действуй как|будь)GAP(?:без (?:каких-либо |всяких |любых )?(?:ограничений|фильтров|цензуры|правил|этики|морали)|нецензурн)`,
    ),
  },
  {
    family: PROMPT,
    lang: 'ru',
    weight: 0.6,
    re: make(
      String.raw`RU(?:покажи|покажите|раскрой|раскройте|выведи|выведите|повтори|повторите|напиши|напишите|скажи|скажите|расскажи|какие|какой|каков|дай|озвучь)GAP(?:(?:свои|твои|ваши|свой|твой|ваш) (?:(?:исходные|изначальные|скрытые|системные|секретные) )?(?:инструкции|указания|промпт|установки)|системн(?:ый|ого|ые|ое) (?:промпт|подсказк|сообщени|инструкци))`,
    ),
  },
  // Chinese (simplified and traditional)
  {
    family: IGNORE,
    lang: 'zh',
    weight: 0.75,
    re: make(
      String.raw`(?<!不要|别|別|不能|不可|切勿|请勿|請勿)(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|不要遵守|不要遵循|跳过|跳過|放弃|放棄|抛开|拋開|违背|違背)CJK(?:之前|以前|先前|上面|上述|前面|此前|所有|全部|一切|你的|原来|原來|原有|原始|系统|系統|最初|初始)CJK(?:指令|指示|说明|說明|规则|規則|提示|设定|設定|要求|约束|約束|限制|命令|规定|規定)`,
    ),
  },
  {
    family: NEW,
    lang: 'zh',
    weight: 0.5,
    re: make(
      String.raw`(?:从现在开始|從現在開始|从现在起|從現在起|从今以后|從今以後|从此刻起|從此刻起),?\s?你(?:是|将|將|要|必须|必須|现在是|現在是|不再|叫)|新的?(?:指令|指示|规则|規則)\s?:`,
    ),
  },
  {
    family: ROLE,
    lang: 'zh',
    weight: 0.65,
    re: make(
      String.raw`(?:开发者模式|開發者模式|开发人员模式|開發人員模式|DAN ?模式)CJK(?:已)?(?:启用|啟用|开启|開啟|激活|打开|打開)|(?:启用|啟用|开启|開啟|激活|进入|進入)(?:了)?(?:开发者模式|開發者模式|DAN ?模式)|(?:扮演|假装|假裝|你是|你现在是|你現在是|充当|充當)CJK(?:没有任何限制|沒有任何限制|没有限制|沒有限制|不受限制|不受任何限制|无限制|無限制|不受约束|不受約束|没有道德|沒有道德|无审查|無審查|没有审查|沒有審查)`,
    ),
  },
  {
    family: PROMPT,
    lang: 'zh',
    weight: 0.6,
    re: make(
      String.raw`(?:告诉我|告訴我|显示|顯示|输出|輸出|打印|重复|重複|泄露|洩露|透露|展示|给我看|給我看|说出|說出|公开|公開)CJK(?:系统提示|系統提示|系统指令|系統指令|系统消息|系統訊息|系統消息|初始指令|初始提示|隐藏指令|隱藏指令|你的(?:指令|指示|提示词|提示詞|设定|設定|规则|規則))|你的(?:系统提示|系統提示)(?:词|詞)?(?:是什么|是什麼)`,
    ),
  },
  // Japanese
  {
    family: IGNORE,
    lang: 'ja',
    weight: 0.75,
    re: make(
      String.raw`(?:以前|前|上記|これまで|今まで|先ほど|さっき|全て|すべて|あらゆる|あなたの|元|最初|システム)の?CJK(?:指示|命令|ルール|指令|制約|設定|プロンプト|規則|ガイドライン)CJK(?:無視(?!しな)|忘れ(?!な)|従わな|破棄(?!しな))`,
    ),
  },
  {
    family: NEW,
    lang: 'ja',
    weight: 0.5,
    re: make(String.raw`(?:今から|これから|今後|これより)は?、?(?:あなたは|君は|お前は|貴方は)|新しい(?:指示|命令|ルール)\s?:`),
  },
  {
    family: ROLE,
    lang: 'ja',
    weight: 0.65,
    re: make(
      String.raw`(?:開発者モード|デベロッパーモード|DAN ?モード)CJK(?:有効|オン|起動|に切り替え)|(?:制限|フィルター|フィルタ|検閲|倫理|ルール|制約)(?:の|が)?(?:ない|なし|一切ない|を無視した|から解放された)CJK(?:AI|アシスタント|として|になって|になりきって|のふり|振る舞|答え|回答)`,
    ),
  },
  {
    family: PROMPT,
    lang: 'ja',
    weight: 0.6,
    re: make(
      String.raw`(?:あなたの|君の|お前の)(?:システムプロンプト|指示|設定|プロンプト|ルール)(?:を|は)CJK(?:教えて|見せて|表示|出力|繰り返|書き出|開示|公開)|(?:システムプロンプト|初期プロンプト|システムメッセージ|隠された指示|最初の指示)(?:を|は)(?:全文|そのまま|すべて)?CJK(?:教えて|見せて|表示して|出力して|繰り返して|書き出して|開示して)`,
    ),
  },
];
