import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

/** One email, ready to leave: every header value already checked by the outbox. */
export interface MessageToSend {
  outboxId: number;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** How mail leaves Lentera. `send` resolves only once the message is accepted (or written). */
export interface MailTransport {
  /** For the outbox page and the log: where mail goes, without credentials. */
  readonly description: { kind: 'smtp'; server: string } | { kind: 'files'; folder: string };
  send(message: MessageToSend, signal?: AbortSignal): Promise<void>;
  close(): void;
}

// A dead or silent server must not hold the worker for minutes (nodemailer's defaults are 2 min
// to connect and 10 min of silence). Query parameters in SMTP_URL (?connectionTimeout=…) win.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

/** The folder under the data directory where mail is written when no SMTP server is configured. */
export const mailFolder = (dataDir: string) => path.join(dataDir, 'mail');

/** A file name that names the email: outbox id, then the Message-ID's unique part. */
export function emlFileName(outboxId: number, messageId: string): string {
  const unique = messageId
    .replace(/^<|>$/g, '')
    .split('@')[0]!
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return `${String(outboxId).padStart(6, '0')}-${unique}.eml`;
}

/** One file in the mail folder as retention sees it: an email written by the file transport, or a leftover temporary file. */
export interface MailFile {
  name: string;
  /** The outbox id its name starts with. */
  outboxId: number;
  /** The name the finished file has (`name` without `.tmp`), to compare with emlFileName(). */
  emlName: string;
  /** A `.eml.tmp` file: being written now, or left behind by a crash. */
  temporary: boolean;
}

/** The file I/O retention needs in the mail folder (a port, so the service itself does no I/O). */
export interface MailFiles {
  readonly folder: string;
  /** The files named like the file transport names them; anything else in the folder is left alone. */
  list(): MailFile[];
  /** Deletes one file: true once it is gone (already gone included), false when it could not be deleted. */
  remove(name: string): boolean;
}

const mailFileName = /^(\d{6,})-[A-Za-z0-9._-]+\.eml(\.tmp)?$/;

export function createMailFiles(folder: string): MailFiles {
  return {
    folder,
    list() {
      let names: string[];
      try {
        names = fs.readdirSync(folder);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return names.flatMap((name) => {
        const m = mailFileName.exec(name);
        if (!m) return [];
        const temporary = m[2] !== undefined;
        return [{ name, outboxId: Number(m[1]), emlName: temporary ? name.slice(0, -'.tmp'.length) : name, temporary }];
      });
    },
    remove(name) {
      try {
        fs.rmSync(path.join(folder, path.basename(name)), { force: true });
        return true;
      } catch {
        // Permissions or I/O: the file stays, and the command says so; the next run tries again.
        return false;
      }
    },
  };
}

function mailOptions(message: MessageToSend) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    // Fixed when the email was queued, so a retry is recognisably the same email.
    messageId: message.messageId,
  };
}

/** SMTP_URL set: an SMTP connection per send, with the timeouts above. */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
  const url = new URL(smtpUrl);
  return {
    description: { kind: 'smtp', server: `${url.protocol}//${url.host}` },
    async send(message, signal) {
      const info = await transporter.sendMail({ ...mailOptions(message), signal });
      // One recipient: nodemailer already fails when it is refused; this is belt and braces.
      if (info.rejected.length > 0 || info.accepted.length === 0) {
        throw Object.assign(new Error('Recipient refused'), { code: 'EENVELOPE', responseCode: 550, permanent: true });
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * SMTP_URL unset: each email becomes `<data directory>/mail/<id>-<message id>.eml` (mode 0600;
 * it holds an address and perhaps a partner summary), so the default setup loses nothing without
 * a mail server. Written to a temporary name and renamed, so a reader never sees half a file;
 * a retry overwrites its own file rather than adding a second one.
 */
export function createFileTransport(folder: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    description: { kind: 'files', folder },
    async send(message) {
      const info = await transporter.sendMail(mailOptions(message));
      fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
      const file = path.join(folder, emlFileName(message.outboxId, message.messageId));
      const temporary = `${file}.tmp`;
      fs.writeFileSync(temporary, info.message as Buffer, { mode: 0o600 });
      fs.renameSync(temporary, file);
    },
    close: () => transporter.close(),
  };
}

export function createMailTransport(config: { smtpUrl?: string; dataDir: string }): MailTransport {
  return config.smtpUrl ? createSmtpTransport(config.smtpUrl) : createFileTransport(mailFolder(config.dataDir));
}

/**
 * One line for the server's console at start: where the emails go, so that whoever starts Lentera
 * without SMTP_URL knows which folder to open (never the SMTP credentials).
 */
export function describeMailDestination(description: MailTransport['description']): string {
  return description.kind === 'smtp'
    ? `Email: sent through the SMTP server ${description.server} (SMTP_URL).`
    : `Email: SMTP_URL is not set, so each email is written as an .eml file to ${path.resolve(description.folder)} (open one with any mail program).`;
}
