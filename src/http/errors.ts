/**
 * One error policy for the whole app: API clients get {"error":{"code","message"}} with the right
 * status; people get an HTML page that says what went wrong and what to do next.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { html } from './html.ts';
import { routedPath } from './routed-path.ts';
import { page } from './views/layout.ts';

export function wantsJson(request: FastifyRequest): boolean {
  return routedPath(request).startsWith('/api/') || (request.headers.accept ?? '').startsWith('application/json');
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as FastifyError & { part?: unknown };
  const code = e.code ?? '';
  if (code === 'FST_FILES_LIMIT') return new AppError('payload_too_large', 'You can add up to 12 photos to an ad.', { photos: 'You can add up to 12 photos to an ad.' });
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new AppError('payload_too_large', 'The form has too many fields.');
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return new AppError('payload_too_large', 'The upload is too large: each photo may be at most 15 MB, and a form at most a few hundred kB of text.');
  }
  if (code.startsWith('FST_CSRF')) return new AppError('csrf_failed', 'This form has expired or was sent from another site. Please reload the page and try again.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('unsupported_media_type', 'This content type is not accepted here.');
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e instanceof SyntaxError) {
    return new AppError('bad_request', 'The request body is not valid JSON.');
  }
  if (code === 'FST_ERR_VALIDATION' || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
    return new AppError('bad_request', e.message || 'The request is not valid.');
  }
  return new AppError('internal', 'Something went wrong on our side. Please try again in a moment.');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
  reply.status(error.status);
  if (wantsJson(request)) {
    return reply.send({ error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } });
  }
  return reply.type('text/html; charset=utf-8').send(errorPage(error.status, error.code, error.message).value);
}

export function errorPage(status: number, code: ErrorCode | string, message: string) {
  const heading = status === 404 ? 'Page not found' : status === 429 ? 'Slow down' : status >= 500 ? 'Something went wrong' : 'We could not do that';
  return page(
    { title: heading, noindex: true },
    html`<h1>${heading}</h1><p class="notice warn" data-error-code="${code}">${message}</p><p><a href="/">Back to the home page</a></p>`,
  );
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err, request, reply) => {
    const appError = toAppError(err);
    if (appError.status >= 500) request.log.error({ err }, 'request failed');
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('not_found', 'There is nothing at this address. The ad may have expired or been deleted.')),
  );
}
