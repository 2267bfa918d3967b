/** Settings of the joxit registry UI, as the image reads them from its environment. */
export interface UiSettingsInput {
  readonly title: string;
  readonly deleteEnabled: boolean;
}

/**
 * The joxit/docker-registry-ui 2.5 environment: single-registry mode with no registry URL, so its
 * pages call their own origin's `/v2/`, which the edge serves from the registry under the user's
 * role. No `NGINX_PROXY_PASS_URL`: the UI's nginx proxies nothing and needs no path to the registry.
 */
export function renderUiEnv(input: UiSettingsInput): Record<string, string> {
  const settings: Record<string, string> = {
    REGISTRY_TITLE: input.title,
    SINGLE_REGISTRY: "true",
    // The edge checks users before /v2/ reaches the registry; the pages need not log in again.
    REGISTRY_SECURED: "false",
    DELETE_IMAGES: String(input.deleteEnabled),
    SHOW_CONTENT_DIGEST: "true",
    SHOW_CATALOG_NB_TAGS: "true",
    CATALOG_ELEMENTS_LIMIT: "1000",
    TAGLIST_PAGE_SIZE: "100",
  };
  return settings;
}
