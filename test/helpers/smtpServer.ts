import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedEmail {
  /** The message as it arrived, headers and body. */
  raw: string;
  parsed: ParsedMail;
  envelope: { from: string | false; to: string[] };
}

/**
 * A real SMTP server on 127.0.0.1 for the mail tests (no STARTTLS, no AUTH). What it answers can be
 * scripted: `rcptReplies` and `dataReplies` are consumed one per command (a number is an SMTP error
 * code to answer with; `undefined` or an empty list accepts), `dropAfterData` makes the next N
 * messages arrive but the connection close before the reply — the case where the client cannot
 * know whether the server took the message.
 */
export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedEmail[];
  rcptReplies: (number | undefined)[];
  dataReplies: (number | undefined)[];
  dropAfterData: number;
  /** Runs when a message has arrived and before the reply is sent (tests hold the reply). */
  beforeDataReply?: () => Promise<void>;
  /** How many RCPT TO commands arrived (refused ones too). */
  rcptCount: number;
  close(): Promise<void>;
}

function smtpError(code: number): Error {
  return Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });
}

export async function startSmtpServer(port = 0): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    port: 0,
    url: '',
    received: [],
    rcptReplies: [],
    dataReplies: [],
    dropAfterData: 0,
    rcptCount: 0,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      state.rcptCount += 1;
      const reply = state.rcptReplies.shift();
      callback(reply ? smtpError(reply) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const reply = state.dataReplies.shift();
          if (!reply) {
            state.received.push({
              raw,
              parsed: await simpleParser(raw),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
            });
          }
          if (state.beforeDataReply) await state.beforeDataReply();
          if (!reply && state.dropAfterData > 0) {
            state.dropAfterData -= 1;
            for (const connection of server.connections) if (connection.id === session.id) connection._socket.destroy();
            return;
          }
          callback(reply ? smtpError(reply) : null);
        })();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** A port on 127.0.0.1 that nothing listens on (taken, then given back). */
export async function unusedPort(): Promise<number> {
  const probe = await startSmtpServer();
  await probe.close();
  return probe.port;
}

/** Waits until `check` holds, polling; for things that happen in the background. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('eventually: the condition did not hold in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
