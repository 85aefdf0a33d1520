/// <reference types="svelte" />
/// <reference types="vite/client" />

/** The version of the UI package, set by Vite at build time. */
declare const __APP_VERSION__: string;
