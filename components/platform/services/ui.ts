/** The joxit registry UI in single-registry mode: its pages call their origin's /v2/, which the edge serves. */
import { PlatformSpec } from "../../config/types";
import { uiPaths } from "../../render/paths";
import { renderUiEnv } from "../../render/ui";
import { ServiceDescription } from "../description";
import { internalNames } from "../topology";

export function uiService(spec: PlatformSpec, placement: string): ServiceDescription {
  return {
    id: internalNames.ui,
    role: internalNames.ui,
    component: "RegistryUi",
    placement,
    image: "ui",
    aliases: [internalNames.ui],
    env: renderUiEnv({ title: spec.ui.title, deleteEnabled: spec.registry.deleteEnabled }),
    secretEnv: {},
    files: [],
    scratch: [],
    ports: [{ name: "http", port: uiPaths.port, published: false }],
    probe: { kind: "http", port: uiPaths.port, path: "/" },
    // nginx in the image starts as root and drops to its own user: the image's defaults stay.
    readOnlyRoot: false,
    // Stateless pages.
    overlapOnUpdate: true,
    resources: "ui",
    dependsOn: [internalNames.registry],
    // Nothing: the edge brings the registry's API to the UI's pages.
    connectsTo: [],
  };
}
