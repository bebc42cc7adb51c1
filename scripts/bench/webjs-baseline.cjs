// The baseline of the memory benchmark: whatsapp-web.js with its DEFAULT options, from a plain
// Node.js script, as its README shows it. Only what running here needs is added: the local page
// cache (the simulator), the system Chromium, --no-sandbox (root) and the offline flags
// (docs/runtime-facts.md). Driven by scripts/bench/sim-rig.ts over stdin/stdout
// (JSON lines).
'use strict';
const { Client, LocalAuth } = require('whatsapp-web.js');
const readline = require('node:readline');

const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const client = new Client({
  authStrategy: new LocalAuth({ dataPath: process.env.BASELINE_DATA }),
  webVersionCache: { type: 'local', path: process.env.BASELINE_CACHE, strict: true },
  webVersion: process.env.BASELINE_VERSION,
  puppeteer: {
    executablePath: process.env.BASELINE_CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
});

let received = 0;
client.on('qr', () => out({ event: 'qr' }));
client.on('ready', () => out({ event: 'ready', pid: client.pupBrowser.process().pid }));
client.on('message', () => {
  received++;
});

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  try {
    if (cmd.cmd === 'send') {
      for (let i = 0; i < cmd.n; i++) await client.sendMessage(cmd.chats[i % cmd.chats.length], `${cmd.text} ${i}`);
      out({ event: 'sent', n: cmd.n });
    } else if (cmd.cmd === 'received') {
      out({ event: 'received', n: received });
    } else if (cmd.cmd === 'quit') {
      await client.destroy().catch(() => {});
      process.exit(0);
    }
  } catch (err) {
    out({ event: 'error', message: String(err?.message || err) });
  }
});

client.initialize().catch((err) => {
  out({ event: 'error', message: String(err.message || err) });
  process.exit(1);
});
