// The mail port on any SMTP server (SMTP_URL): a relay, Amazon SES's SMTP interface, or a test server on loopback.
// nodemailer keeps a small connection pool; credentials live only in the URL, which is never logged.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { messageIdFor, type MailMessage, type Mailer } from './mailer.ts';

export interface SmtpMailerOptions {
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
  readonly url: string;
  readonly from: string;
}

export class SmtpMailer implements Mailer {
  readonly transport = 'smtp';
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly opts: SmtpMailerOptions) {
    const u = new URL(opts.url);
    const options: SMTPTransport.Options = {
      host: u.hostname,
      port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    };
    this.transporter = nodemailer.createTransport(options);
  }

  async send(key: string, m: MailMessage): Promise<void> {
    const info = await this.transporter.sendMail({
      from: this.opts.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId: messageIdFor(key, this.opts.from),
    });
    if (info.rejected.length > 0) throw new Error(`mail: the SMTP server refused the recipient of message ${key}`);
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
