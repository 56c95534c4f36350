// The part of `@kubernetes/client-node` a cluster scan uses: `KubeConfig` (kubeconfig files, the
// in-cluster service account, contexts, TLS and every credential plugin). The package's entry loads
// all of it (827 modules: the generated API models and clients), so `npm run build` replaces this
// module's output with a tree-shaken bundle of `KubeConfig` (scripts/bundle-kube-client.mjs);
// the sources and tests import the package as it is.
export { KubeConfig } from '@kubernetes/client-node';
