import { JsonValue } from '@trellis/backend-plugin-api';

const PATTERN = /\$(\$?)\{([^{}]*)\}/g;

/**
 * Replaces `${VAR}` in every string value with the environment variable; `$${` stays a literal
 * `${`. A string that references an unset variable becomes undefined, so the key reads as missing.
 */
export function substituteEnv(value: JsonValue | undefined, env: NodeJS.ProcessEnv): JsonValue | undefined {
  if (typeof value === 'string') {
    return substituteString(value, env);
  }
  if (Array.isArray(value)) {
    return value.map((v) => substituteEnv(v, env)).filter((v) => v !== undefined) as JsonValue[];
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, JsonValue | undefined> = {};
    for (const [key, v] of Object.entries(value)) {
      const substituted = substituteEnv(v, env);
      if (substituted !== undefined) {
        out[key] = substituted;
      }
    }
    return out;
  }
  return value;
}

function substituteString(value: string, env: NodeJS.ProcessEnv): string | undefined {
  let missing = false;
  const result = value.replace(PATTERN, (_match, escaped: string, name: string) => {
    if (escaped) {
      return `\${${name}}`;
    }
    const resolved = env[name.trim()];
    if (resolved === undefined) {
      missing = true;
      return '';
    }
    return resolved;
  });
  return missing ? undefined : result;
}
