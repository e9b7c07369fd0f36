// SMTP delivery for the outbox, used only when SMTP_URL (smtp://user:pass@host:port) is configured.
import nodemailer from 'nodemailer';
import type { Mailer } from '../db/reminders.ts';

export async function smtpMailer(url: string, from = process.env.SMTP_FROM ?? 'shisaku@localhost'): Promise<Mailer> {
  const transport = nodemailer.createTransport(url);
  return { send: async (m) => void (await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text })) };
}
