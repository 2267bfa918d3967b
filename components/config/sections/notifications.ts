/** Registry event webhooks: `regstack:notifications`. */
import { CheckContext, duplicates, requireSecretAt } from "../checks";
import { int, listOf, mapOf, object, required, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { dnsLabel, duration, headerName, httpsUrl } from "../patterns";

const notification = object({
  name: required(str(dnsLabel), { type: "name", text: "Endpoint name." }),
  url: required(str(httpsUrl), { type: "URL", text: "Where events are POSTed." }),
  timeout: withDefault(str(duration), "1s", { type: "duration", text: "Request timeout." }),
  threshold: withDefault(int(1, 100), 5, { type: "number", text: "Failures before backing off." }),
  backoff: withDefault(str(duration), "10s", { type: "duration", text: "Back-off after failures." }),
  headers: withDefault(mapOf(str({ pattern: /^[\x20-\x7e]{1,4096}$/, expected: "a header value of printable characters (no line breaks)", secret: true }), headerName), {}, {
    type: "map",
    text: "Extra headers sent with each event. A credential header (Authorization, Cookie, or a name with token, key, secret, auth or password in it) must be set with `--secret --path`; every header value reaches secret files only (the registry's config, the scheduler's schedule).",
  }),
  ignoredMediaTypes: withDefault(listOf(str({ pattern: /^[A-Za-z0-9][A-Za-z0-9.+-]*\/[A-Za-z0-9][A-Za-z0-9.+-]*$/, expected: "a media type such as application/octet-stream" })), [], { type: "list", text: "Media types not sent." }),
});

export const notificationKeys = {
  notifications: withDefault(listOf(notification), [], { type: "list", text: "Registry webhook endpoints." }),
};

/** Header names whose values are credentials: they must be kept encrypted in the stack file. */
export function isCredentialHeader(name: string): boolean {
  return /^cookie$|token|key|secret|auth|password|passwd/i.test(name);
}

export function checkNotifications(raw: { notifications: readonly { name: string; headers: Readonly<Record<string, string>> }[] }, ctx: CheckContext, issues: IssueList): void {
  duplicates(raw.notifications, (n) => n.name, (i) => `regstack:notifications[${i}].name`, "endpoint name", issues);
  raw.notifications.forEach((n, i) => {
    for (const name of Object.keys(n.headers)) {
      if (isCredentialHeader(name)) requireSecretAt(`regstack:notifications[${i}].headers.${name}`, ctx, issues);
    }
  });
}
