// RFC 4514 escaping of one attribute value inside a DN. ldapts builds DNs with its DN/RDN classes,
// but their escaper wraps values with a leading or trailing space in double quotes (the old
// RFC 1779 form that RFC 4514 dropped) and passes NUL through, so values that come from users are
// escaped here instead. Filters need nothing of the kind: ldapts sends EqualityFilter values as
// BER octet strings, which no value can break out of.

/** Escapes `value` so that `uid=${escapeDnValue(value)},${base}` names exactly one RDN holding it. */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(16).padStart(2, '0');
    else if ('"+,;<>\\='.includes(ch)) out += '\\' + ch;
    else if ((ch === ' ' || ch === '#') && i === 0) out += '\\' + ch;
    else if (ch === ' ' && i === value.length - 1) out += '\\ ';
    else out += ch;
  }
  return out;
}
