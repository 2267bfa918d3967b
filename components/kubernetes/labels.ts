/** The labels every object regstack puts in a cluster carries, and the selector of one service's pods. */

/** Labels of every object of a stack. */
export function stackLabels(stack: string): Record<string, string> {
  return { "app.kubernetes.io/name": "regstack", "app.kubernetes.io/instance": stack, "app.kubernetes.io/managed-by": "pulumi" };
}

/** The labels that select one service's pods (a service id from the description). */
export function podSelector(stack: string, serviceId: string): Record<string, string> {
  return { "app.kubernetes.io/instance": stack, "app.kubernetes.io/component": serviceId };
}

/** Labels of one service's pods and objects. */
export function serviceLabels(stack: string, serviceId: string): Record<string, string> {
  return { ...stackLabels(stack), ...podSelector(stack, serviceId) };
}
