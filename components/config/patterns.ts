/** Value rules shared by the config schema: one place for what a name, port or address looks like. */
import { StringRule } from "./decoders";

export const dnsLabel: StringRule = {
  pattern: /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/,
  expected: "a lowercase name of letters, digits and inner hyphens (at most 32 characters)",
};

export const userName: StringRule = {
  pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/,
  expected: "a user name of lowercase letters, digits, '.', '_' or '-' (no ':')",
};

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
/** A DNS name: labels of letters, digits and inner hyphens; not all digits and dots (that is an IP). */
const DNS_NAME = "(?=.{1,253}$)(?![\\d.]+$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*";
/** 1 to 65535. */
const PORT = "(6553[0-5]|655[0-2]\\d|65[0-4]\\d\\d|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3})";

export const hostName: StringRule = {
  pattern: new RegExp(`^(${DNS_NAME}|${IPV4})$`),
  expected: "a DNS name or an IPv4 address (each number 0-255)",
};

/** host:port, the host a DNS name or IPv4, the port 1-65535 (an SMTP server). */
export const hostPort: StringRule = {
  pattern: new RegExp(`^(${DNS_NAME}|${IPV4}):${PORT}$`),
  expected: "host:port with a DNS name or IPv4 and a port 1-65535, e.g. mail.lan:587",
};

export const ipv4: StringRule = {
  pattern: new RegExp(`^${IPV4}$`),
  expected: "an IPv4 address such as 127.0.0.1 or 0.0.0.0",
};

/**
 * A Docker endpoint whose parts are what ssh and the Docker client expect: one user part of a Unix
 * user name, a host that is a DNS name or IPv4 (never starting with `-`, which ssh would read as an
 * option), a port from 1 to 65535; a unix socket path without spaces.
 */
export const dockerEndpoint: StringRule = {
  pattern: new RegExp(`^(unix:///[^\\s\\0]+|ssh://([a-z_][a-z0-9_.-]{0,31}@)?(${DNS_NAME}|${IPV4})(:${PORT})?|tcp://(${DNS_NAME}|${IPV4}):${PORT})$`),
  expected: "a Docker endpoint: unix:///path, ssh://[user@]host[:port] or tcp://host:port (a DNS name or IPv4, a port 1-65535)",
};

/** An absolute, normalised directory other than `/`: no `.` or `..` parts, no `//`, no trailing `/`, no `:` or control characters. */
export const absolutePath: StringRule = {
  pattern: /^(?!.*\/\.{1,2}(\/|$))(?!.*\/\/)(\/[^/:\x00-\x1f\x7f]+)+$/,
  expected: "an absolute, normalised path other than / (no `.` or `..` parts, no `//`, no trailing `/`, no `:`)",
};

/**
 * An http(s) URL whose host is a DNS name or IPv4 and whose port is 1-65535; its path and query
 * hold URL characters only (no quotes, `$`, backticks, spaces, `<>` or braces).
 */
export const httpsUrl: StringRule = {
  pattern: new RegExp(`^https?://(${DNS_NAME}|${IPV4})(:${PORT})?(/[A-Za-z0-9._~%/:@=+,!-]*)?(\\?[A-Za-z0-9._~%/:@=+,&!-]*)?$`),
  expected: "an http(s):// URL with a DNS name or IPv4, a port 1-65535, and a path of URL characters (no quotes, spaces, $ or backticks)",
};

export const duration: StringRule = {
  pattern: /^(\d+(ns|us|ms|s|m|h))+$/,
  expected: 'a Go duration such as "500ms", "30s" or "168h"',
};

export const byteSize: StringRule = {
  pattern: /^[1-9]\d*[kmg]$/,
  expected: 'a size above zero such as "10m" (k, m or g)',
};

export const headerName: StringRule = {
  pattern: /^[A-Za-z0-9-]+$/,
  expected: "an HTTP header name",
};

export function isLoopback(address: string): boolean {
  return /^127\./.test(address);
}

export const email: StringRule = {
  pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  expected: "an email address",
};

/** A PEM block of the given kind ("CERTIFICATE", "PRIVATE KEY" also matches EC/RSA keys). */
export function pem(kind: string): StringRule {
  return {
    pattern: new RegExp(`^\\s*-----BEGIN ([A-Z]+ )?${kind}-----[\\s\\S]+-----END ([A-Z]+ )?${kind}-----\\s*$`),
    expected: `a PEM ${kind.toLowerCase()}`,
    multiline: true,
  };
}

/** Names only a private network resolves: a public CA cannot issue for them. */
export function isPublicDnsName(name: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) || !name.includes(".")) return false;
  return !/\.(lan|local|localhost|home|internal|intranet|corp|test|invalid|example|home\.arpa)$/i.test(name);
}

/**
 * A restic repository: a path on the registry's host, a REST server's URL or an S3 location, each
 * with a host that is a DNS name or IPv4, a port 1-65535, and no credentials in it (they go in
 * `regstack:backup.environment`, encrypted).
 */
export const resticRepository: StringRule = {
  pattern: new RegExp(
    `^(${absolutePath.pattern!.source.slice(1, -1)}|rest:https?://(${DNS_NAME}|${IPV4})(:${PORT})?(/[A-Za-z0-9._~%/:=+,-]*)?|s3:(https?://)?(${DNS_NAME}|${IPV4})(:${PORT})?/[A-Za-z0-9._~%/=+,-]+)$`,
  ),
  expected: "an absolute path on the registry's host, rest:http(s)://host[:port]/path (restic REST server, login in regstack:backup.environment) or s3:[https://]host[:port]/bucket[/path] (S3-compatible)",
};

/** An environment variable's name. */
export const envName: StringRule = {
  pattern: /^[A-Z_][A-Z0-9_]*$/,
  expected: "an environment variable name (A-Z, 0-9, _)",
};
