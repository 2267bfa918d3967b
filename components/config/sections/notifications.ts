/** Registry event webhooks: `regstack:notifications`. */
import { duplicates } from "../checks";
import { int, listOf, mapOf, object, required, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { dnsLabel, duration, headerName, httpsUrl } from "../patterns";

const notification = object({
  name: required(str(dnsLabel), { type: "name", text: "Endpoint name." }),
  url: required(str(httpsUrl), { type: "URL", text: "Where events are POSTed." }),
  timeout: withDefault(str(duration), "1s", { type: "duration", text: "Request timeout." }),
  threshold: withDefault(int(1, 100), 5, { type: "number", text: "Failures before backing off." }),
  backoff: withDefault(str(duration), "10s", { type: "duration", text: "Back-off after failures." }),
  headers: withDefault(mapOf(str(), headerName), {}, { type: "map", text: "Extra headers (plain values: they are part of the registry's config file)." }),
  ignoredMediaTypes: withDefault(listOf(str()), [], { type: "list", text: "Media types not sent." }),
});

export const notificationKeys = {
  notifications: withDefault(listOf(notification), [], { type: "list", text: "Registry webhook endpoints." }),
};

export function checkNotifications(raw: { notifications: readonly { name: string }[] }, issues: IssueList): void {
  duplicates(raw.notifications, (n) => n.name, (i) => `regstack:notifications[${i}].name`, "endpoint name", issues);
}
