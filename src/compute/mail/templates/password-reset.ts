// The single-use link that lets the owner of an address choose a new password.
import { htmlLayout, type RenderedMail } from './layout.ts';

export interface PasswordResetParams {
  readonly shopName: string;
  /** PUBLIC_URL/reset?token=… */
  readonly resetUrl: string;
  readonly validMinutes: number;
}

export function passwordResetMail(p: PasswordResetParams): RenderedMail {
  const body = [
    `Someone (hopefully you) asked to reset the password of your ${p.shopName} account.`,
    `The link below lets you choose a new one. It works once, within ${p.validMinutes} minutes, and signs you out everywhere.`,
  ];
  const footer = 'If you did not ask for this, ignore this message: your password stays as it is.';
  return {
    subject: `Reset your ${p.shopName} password`,
    text: [...body, `Choose a new password: ${p.resetUrl}`, footer].join('\n\n') + '\n',
    html: htmlLayout({ title: 'Reset your password', paragraphs: body, action: { label: 'Choose a new password', url: p.resetUrl }, footer }),
  };
}
