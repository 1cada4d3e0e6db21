// Sent once per account, after sign-up.
import { htmlLayout, type RenderedMail } from './layout.ts';

export interface WelcomeParams {
  readonly shopName: string;
  readonly name: string | null;
  /** The shop's public address (PUBLIC_URL). */
  readonly shopUrl: string;
}

export function welcomeMail(p: WelcomeParams): RenderedMail {
  const greeting = p.name ? `Hello ${p.name},` : 'Hello,';
  const body = [
    greeting,
    `Your ${p.shopName} account is ready. You can now keep a cart across devices, check out faster and follow your orders.`,
    'Every product comes with a 3D model: turn it around, zoom in, and place it in your room before you buy.',
  ];
  const footer = `You receive this message because this address was used to create an account at ${p.shopName}. If that was not you, you can ignore it.`;
  return {
    subject: `Welcome to ${p.shopName}`,
    text: [...body, `Visit the shop: ${p.shopUrl}`, footer].join('\n\n') + '\n',
    html: htmlLayout({ title: `Welcome to ${p.shopName}`, paragraphs: body, action: { label: 'Visit the shop', url: p.shopUrl }, footer }),
  };
}
