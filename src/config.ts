/**
 * Configuration from the environment, validated once at start-up.
 * Every bad value produces one line naming the variable and what is wrong with it.
 */
import path from 'node:path';
import { DEFAULT_MODEL_PATH } from './screening/semantic/load.ts';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PUBLIC_URL: z.url('must be an absolute URL such as https://corkboard.example').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Corkboard <no-reply@corkboard.localhost>'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AD_EXPIRY_DAYS: positiveInt.max(365).default(30),
  RETENTION_DAYS: positiveInt.max(3650).default(180),
  MAX_PHOTO_BYTES: positiveInt.default(15 * 1024 * 1024),
  POSTS_PER_HOUR_PER_IP: positiveInt.default(10),
  POSTS_PER_HOUR_PER_EMAIL: positiveInt.default(5),
  SEARCH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(15),
  AD_PAGE_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  STAFF_2FA_FRESH_HOURS: z.coerce
    .number({ error: 'must be a number of hours, such as 12' })
    .int('must be a whole number of hours, such as 12')
    .min(1, 'must be at least 1 (hour)')
    .max(168, 'must be at most 168 (a week): admin pages should ask for a fresh two-factor code at least weekly')
    .default(12),
  RELAY_SMTP_PORT: port.optional(),
  SCREENING_MODEL: z
    .string()
    .refine((v) => v === 'off' || v.endsWith('.json'), 'must be the path of a trained model (.json) or "off"')
    .optional(),
  RELAY_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'must be a lower-case domain name such as relay.corkboard.example')
    .default('relay.corkboard.localhost'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  redisUrl: string | undefined;
  cookieSecret: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  adExpiryDays: number;
  retentionDays: number;
  maxPhotoBytes: number;
  postsPerHourPerIp: number;
  postsPerHourPerEmail: number;
  /** How long a search result page may be served from this node's memory; 0 turns the cache off. */
  searchCacheSeconds: number;
  /** How many published ads each node keeps in memory for the ad page; 0 turns the cache off. */
  adPageCacheSize: number;
  trustProxy: boolean;
  /** How long a staff session's two-factor code counts as fresh for admin pages, new recovery codes and staff API tokens. */
  staffTwoFactorFreshHours: number;
  /** The reply relay's inbound SMTP port; no listener when unset. */
  relaySmtpPort: number | undefined;
  relayDomain: string;
  /** The semantic screening model's file (the shipped one unless set), or null when switched off. */
  screeningModel: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Empty strings count as unset, as shells and .env files often leave them. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    redisUrl: e.REDIS_URL,
    cookieSecret: e.COOKIE_SECRET,
    logLevel: e.LOG_LEVEL,
    adExpiryDays: e.AD_EXPIRY_DAYS,
    retentionDays: e.RETENTION_DAYS,
    maxPhotoBytes: e.MAX_PHOTO_BYTES,
    postsPerHourPerIp: e.POSTS_PER_HOUR_PER_IP,
    postsPerHourPerEmail: e.POSTS_PER_HOUR_PER_EMAIL,
    searchCacheSeconds: e.SEARCH_CACHE_SECONDS,
    adPageCacheSize: e.AD_PAGE_CACHE_SIZE,
    trustProxy: e.TRUST_PROXY,
    staffTwoFactorFreshHours: e.STAFF_2FA_FRESH_HOURS,
    relaySmtpPort: e.RELAY_SMTP_PORT,
    relayDomain: e.RELAY_DOMAIN,
    screeningModel: e.SCREENING_MODEL === 'off' ? null : path.resolve(e.SCREENING_MODEL ?? DEFAULT_MODEL_PATH),
  };
}
