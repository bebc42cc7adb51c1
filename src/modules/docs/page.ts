/**
 * The Swagger UI page: the bundle and stylesheet come from this server (no other host is asked
 * for anything), the key entered under Authorize is kept in the browser, and the public spec
 * validator badge is off because it would send the document to another host.
 */
export function swaggerPage(o: { title: string; specUrl: string; bundleUrl: string; cssUrl: string }): string {
  const options = {
    url: o.specUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: 'none',
    displayRequestDuration: true,
    filter: true,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="${o.cssUrl}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${o.bundleUrl}"></script>
<script>window.ui = SwaggerUIBundle(${JSON.stringify(options)});</script>
</body>
</html>
`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
