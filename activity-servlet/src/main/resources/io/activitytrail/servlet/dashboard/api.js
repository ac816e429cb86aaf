// Calls to the JSON API that serves this page: its base is the parent of the page's path.
export const apiBase = new URL('../', import.meta.url);

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function seg(userId) {
  return 'users/' + encodeURIComponent(userId);
}

/** The routes for one user: the caller's own (target null) or another user's. */
export function routes(target) {
  const prefix = target == null ? '' : seg(target);
  const url = (path) => new URL(path, apiBase);
  return {
    timeline: url(target == null ? '' : prefix),
    stats: url(target == null ? 'stats' : prefix + '/stats'),
    exportUrl: (format) => {
      const u = url(target == null ? 'export' : prefix + '/export');
      u.searchParams.set('format', format);
      return u;
    },
    user: url(prefix),
  };
}

async function call(url, init) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server could not be reached.', null);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
  }
  if (!response.ok || body === null || typeof body !== 'object' || body.success !== true) {
    const error = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {};
    throw new ApiError(response.status, String(error.code || 'http_' + response.status),
      String(error.message || response.statusText || 'request failed'), response.headers.get('Retry-After'));
  }
  return body.data;
}

export function getJson(url, signal) {
  return call(url, { headers: { Accept: 'application/json' }, signal });
}

/** DELETE with a JSON content type: the API refuses state changes without one (CSRF). */
export function deleteJson(url) {
  return call(url, { method: 'DELETE', headers: { Accept: 'application/json', 'Content-Type': 'application/json' } });
}

/** A sentence for a person, for each kind of failure. */
export function describe(error, what) {
  switch (error.status) {
    case 0: return 'The server could not be reached. Check the connection and try again.';
    case 401: return 'You are not signed in, or your session has ended. Sign in again, then reload this page.';
    case 403: return 'You may not see ' + what + '.';
    case 404: return 'Not found: ' + error.message;
    case 429: {
      const s = Number.parseInt(error.retryAfter, 10);
      return 'Too many requests. Try again in ' + (Number.isFinite(s) ? s + ' seconds' : 'a moment') + '.';
    }
    case 400: return 'The request was refused: ' + error.message;
    default:
      return error.status >= 500 ? 'The activity service is unavailable. Try again later.' : error.message;
  }
}
