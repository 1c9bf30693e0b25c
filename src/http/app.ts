/**
 * Builds the Fastify application from an AppContext. Listening is separate (src/cli/serve.ts),
 * so tests drive the same app through `app.inject`.
 */
import { registerAboutRoutes } from './routes/about.ts';
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { AppContext } from '../composition.ts';
import { MAX_PHOTOS } from '../listings/ad-input.ts';
import { registerAccountSession } from './account-session.ts';
import { registerErrorHandling } from './errors.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerEmailChangeRoutes } from './routes/account-email.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerTwoFactorRoutes } from './routes/two-factor.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerAssetRoutes } from './routes/assets.ts';
import { registerBrowseRoutes } from './routes/browse.ts';
import { registerFavouriteRoutes } from './routes/favourites.ts';
import { registerFeedsRoutes } from './routes/feeds.ts';
import { registerFlagRoutes } from './routes/flags.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerManageRoutes } from './routes/manage.ts';
import { registerAppealRoutes } from './routes/appeals.ts';
import { registerPhotoRoutes } from './routes/photos.ts';
import { registerPostingRoutes } from './routes/posting.ts';
import { registerReplyRoutes } from './routes/replies.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerSeoRoutes } from './routes/seo.ts';
import { registerStaffAdminRoutes } from './routes/staff-admin.ts';
import { registerStaffMemberRoutes } from './routes/staff-members.ts';
import { registerTrustedFlaggerRoutes } from './routes/staff-trusted-flaggers.ts';
import { registerRelayBlockRoutes } from './routes/staff-relay-blocks.ts';
import { registerAdPageRoutes } from './routes/ad-page.ts';

export interface BuildOptions {
  logger?: boolean | object;
  /** Sees every route as it is registered: test/staff-permissions.test.ts lists the staff routes with it. */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
      reply.header('x-frame-options', 'DENY');
    }
  });
  await app.register(cookie, { secret: ctx.config.cookieSecret ?? ctx.siteKeyForCookies });
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: ctx.config.maxPhotoBytes, files: MAX_PHOTOS, fields: 100, fieldSize: 64 * 1024, parts: 200 },
    // Keep each file's name with its bytes so error messages can say which photo failed.
    onFile: async (part) => {
      const data = await part.toBuffer();
      (part as unknown as { value: unknown }).value = { filename: part.filename, mimetype: part.mimetype, data };
    },
  });
  await app.register(csrf, {
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.config.publicUrl.startsWith('https://') },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  // One CSRF secret per response: a page with several forms (favourite, reply) must not set the
  // secret cookie twice on a first visit, which would leave the first form's token invalid.
  app.addHook('onRequest', async (_request, reply) => {
    const generate = reply.generateCsrf;
    let token: string | undefined;
    reply.generateCsrf = (opts) => (token ??= generate.call(reply, opts));
  });
  registerErrorHandling(app);
  registerAccountSession(app, ctx);
  registerHealthRoutes(app, ctx);
  registerAboutRoutes(app, ctx);
  registerAssetRoutes(app);
  registerPhotoRoutes(app, ctx);
  registerSeoRoutes(app, ctx);
  registerFeedsRoutes(app, ctx);
  registerApiRoutes(app, ctx);
  registerPostingRoutes(app, ctx);
  registerManageRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerEmailChangeRoutes(app, ctx);
  registerTwoFactorRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerFavouriteRoutes(app, ctx);
  registerReplyRoutes(app, ctx);
  registerFlagRoutes(app, ctx);
  registerAppealRoutes(app, ctx);
  (await import('./routes/staff.ts')).registerStaffRoutes(app, ctx); // staff pages: 404 unless moderator or above
  registerStaffAdminRoutes(app, ctx); // admin pages: the staff 404 for strangers, "admins only" for moderators
  registerStaffMemberRoutes(app, ctx); // admin page /staff/admin/staff, same guard
  registerTrustedFlaggerRoutes(app, ctx); // admin page /staff/admin/trusted-flaggers, same guard
  registerRelayBlockRoutes(app, ctx); // admin page /staff/admin/relay-blocks, same guard
  registerSearchRoutes(app, ctx);
  registerBrowseRoutes(app, ctx);
  registerAdPageRoutes(app, ctx);
  return app;
}
