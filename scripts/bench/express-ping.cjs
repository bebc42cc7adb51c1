// Baseline for the HTTP-overhead benchmark: the seed's earlier stack (Express on Node.js),
// serving the same /ping route. Listens on a free port and prints it.
const express = require('express');
const app = express();
app.get('/ping', (_req, res) => res.json({ message: 'pong' }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
