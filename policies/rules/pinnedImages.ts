/** Images are pinned: an explicit tag other than `latest`, or a digest. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { at, UNKNOWN } from "./props";
import { containersOf, DOCKER_IMAGE } from "./workloads";

/** Why a reference is not pinned, or undefined when it is. An unknown reference cannot be shown pinned. */
export function unpinned(ref: unknown): string | undefined {
  if (ref === UNKNOWN) return "is unknown at preview, so it cannot be shown to be pinned: give it as a literal";
  if (typeof ref !== "string" || ref === "") return "is missing";
  // A local image id (what a container gets from a pulled RemoteImage) is content-addressed.
  if (/^sha256:[0-9a-f]{64}$/.test(ref) || /@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return `"${ref}" has no tag (it means latest)`;
  if (lastSegment.slice(colon + 1) === "latest") return `"${ref}" uses the moving tag latest`;
  return undefined;
}

export const pinnedImages: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Every image is pinned to an explicit version (a tag other than latest, or a digest).",
  enforcementLevel: "mandatory",
  remediationSteps: "Pin the image in components/images.ts (the one image table), e.g. registry:3.0.0, never registry or registry:latest.",
  validateResource: (args, reportViolation) => {
    const refs = args.type === DOCKER_IMAGE ? [{ name: "image", image: at(args.props, "name") }] : containersOf(args.type, args.props);
    for (const c of refs) {
      const problem = unpinned(c.image);
      if (problem) reportViolation(`${c.name}: the image ${problem}.`);
    }
  },
};
