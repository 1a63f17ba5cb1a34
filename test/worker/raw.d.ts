/** A file's text, as vite's `?raw` import gives it (test fixtures). */
declare module "*?raw" {
  const text: string;
  export default text;
}
