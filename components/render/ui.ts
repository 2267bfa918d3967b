/** Settings of the joxit registry UI, as the image reads them from its environment. */
export interface UiSettingsInput {
  readonly title: string;
  /** URL the UI's nginx proxies /v2 to (the registry on the platform network). */
  readonly registryUrl: string;
  readonly deleteEnabled: boolean;
}

/** The joxit/docker-registry-ui 2.5 environment: single-registry mode behind its own proxy. */
export function renderUiEnv(input: UiSettingsInput): Record<string, string> {
  const settings: Record<string, string> = {
    REGISTRY_TITLE: input.title,
    NGINX_PROXY_PASS_URL: input.registryUrl,
    SINGLE_REGISTRY: "true",
    // The edge checks users; the registry behind the UI's own proxy asks for no login.
    REGISTRY_SECURED: "false",
    DELETE_IMAGES: String(input.deleteEnabled),
    SHOW_CONTENT_DIGEST: "true",
    SHOW_CATALOG_NB_TAGS: "true",
    CATALOG_ELEMENTS_LIMIT: "1000",
    TAGLIST_PAGE_SIZE: "100",
  };
  return settings;
}
