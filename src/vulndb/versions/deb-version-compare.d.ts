declare module 'deb-version-compare' {
  /** dpkg's ordering of two Debian versions: negative, zero or positive. */
  export default function compare(a: string, b: string): number;
}
