// `import x from '…' with { type: 'file' }` gives a path that Bun.file() reads, also inside the binary.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const path: string;
  export default path;
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const path: string;
  export default path;
}
// `with { type: 'text' }`: the file's content, embedded at build time.
declare module '*.tsv' {
  const text: string;
  export default text;
}
