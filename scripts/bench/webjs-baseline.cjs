// The baseline of the memory benchmarks: whatsapp-web.js with its DEFAULT options, from a plain
// Node.js script, as its README shows it. Only what running here needs is added: the local page
// cache (the simulator), the system Chromium, --no-sandbox (root) and the offline flags
// (docs/chromium.md). One client starts at once; `{"cmd":"more","n":N}` starts N more in this
// same process, one after the other (the next once the previous is ready), as a multi-number
// whatsapp-web.js program runs them: each with its own LocalAuth clientId (c0, c1, …; the first is
// c0 only when BASELINE_CLIENTS > 1) and its own browser. Driven by scripts/bench/sim-rig.ts over
// stdin/stdout (JSON lines).
'use strict';
const { Client, LocalAuth } = require('whatsapp-web.js');
const readline = require('node:readline');

const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const count = Number(process.env.BASELINE_CLIENTS || 1);
const clients = [];
let received = 0;

function makeClient(i) {
  const client = new Client({
    authStrategy: new LocalAuth({ dataPath: process.env.BASELINE_DATA, clientId: count > 1 ? `c${i}` : undefined }),
    webVersionCache: { type: 'local', path: process.env.BASELINE_CACHE, strict: true },
    webVersion: process.env.BASELINE_VERSION,
    puppeteer: {
      executablePath: process.env.BASELINE_CHROMIUM,
      // The offline flags of the tests (test/support/process.ts OFFLINE_FLAGS), given by sim-rig.ts.
      args: (process.env.BASELINE_FLAGS || '').split(' ').filter(Boolean),
    },
  });
  client.on('qr', () => out({ event: 'qr', client: i }));
  client.on('message', () => {
    received++;
  });
  return client;
}

async function start(i) {
  const client = makeClient(i);
  clients.push(client);
  const ready = new Promise((resolve) => client.once('ready', resolve));
  await client.initialize();
  await ready;
  out({ event: 'ready', client: i, pid: client.pupBrowser.process().pid });
}

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  try {
    if (cmd.cmd === 'more') {
      for (let i = 0; i < cmd.n; i++) await start(clients.length);
      out({ event: 'more_ready', n: clients.length });
    } else if (cmd.cmd === 'send') {
      const client = clients[cmd.client || 0];
      for (let i = 0; i < cmd.n; i++) await client.sendMessage(cmd.chats[i % cmd.chats.length], `${cmd.text} ${i}`);
      out({ event: 'sent', n: cmd.n });
    } else if (cmd.cmd === 'received') {
      out({ event: 'received', n: received });
    } else if (cmd.cmd === 'quit') {
      await Promise.all(clients.map((c) => c.destroy().catch(() => {})));
      process.exit(0);
    }
  } catch (err) {
    out({ event: 'error', message: String(err?.message || err) });
  }
});

start(0).catch((err) => {
  out({ event: 'error', message: String(err.message || err) });
  process.exit(1);
});
