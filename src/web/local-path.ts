// Where a page may send the browser back to after a form (the login page's `next`, the language
// menu's return): a path on this site only — no scheme, no `//host`, no backslash that a browser
// would read as a slash — so that no link of ours can be made to lead elsewhere.
import * as v from 'valibot';

export const localPath = v.pipe(v.string(), v.maxLength(512), v.regex(/^\/(?![/\\])[A-Za-z0-9\-._~/?=&%:@]*$/));
