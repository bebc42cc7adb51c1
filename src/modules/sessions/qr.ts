/** Rendering a QR string: a PNG for the API, block characters for the terminal (SHOW_QR). */
import QRCode from 'qrcode';

/** Prints one QR for one session; injected so tests and services without a terminal can swap it. */
export type QrPrinter = (session: string, value: string) => void;

/** The PNG WAHA serves at /api/{session}/auth/qr. */
export async function qrPng(value: string): Promise<Uint8Array> {
  return new Uint8Array(await QRCode.toBuffer(value, { type: 'png', margin: 2, scale: 6, errorCorrectionLevel: 'M' }));
}

/** A printer that writes the QR as terminal art, with a line saying which session it is for. */
export function terminalQrPrinter(write: (text: string) => void = (s) => process.stdout.write(s)): QrPrinter {
  return (session, value) => {
    QRCode.toString(value, { type: 'terminal', small: true }).then(
      (art) => write(`\nScan this QR with WhatsApp for session '${session}' (Linked devices → Link a device):\n${art}\n`),
      () => {},
    );
  };
}
