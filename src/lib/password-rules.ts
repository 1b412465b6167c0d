/** Shared with the browser for hints; the server enforces it in `server/auth/credentials.ts`. */
export const MIN_PASSWORD_LENGTH = 8;
