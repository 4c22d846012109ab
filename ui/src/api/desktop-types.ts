// Generated from the Rust types in src-tauri/src/types.rs by
// `UPDATE_TYPES=1 cargo test -p pixel-desktop desktop_types_are_fresh`.
// Do not edit by hand: a test fails when this file is stale.

import type { Me } from "./types";

export type DesktopInfo = { 
/**
 * Origin of the media protocol: prefix `/media/<id>/<variant>` with it
 * (`pixel://localhost` on Linux and macOS, `http://pixel.localhost` on Windows).
 */
media_base: string, 
/**
 * The app's version.
 */
version: string, 
/**
 * Where the library (database and media files) lives.
 */
data_dir: string, };

export type KeyStatus = { 
/**
 * Provider id as in the catalogue (`openai`, `stability`, ...).
 */
provider: string, 
/**
 * The provider's display name.
 */
name: string, stored: boolean, };

export type SavedFile = { path: string, };

export type ExportedZip = { path: string, 
/**
 * Images in it.
 */
images: number, };

export type DeepLink = { 
/**
 * The link without its query (a sign-in code never reaches the webview).
 */
url: string, 
/**
 * The UI route to open, or null when the link needs no navigation (sign-in callback).
 */
route: string | null, };

export type ServerStatus = { 
/**
 * The server signed in to (or last used), if any.
 */
server: string | null, signed_in: boolean, 
/**
 * The account on the server while signed in and reachable.
 */
account: Me | null, 
/**
 * Why the account could not be shown (server unreachable...), while still signed in.
 */
problem: string | null, 
/**
 * A sign-in waits for the browser to come back.
 */
pending: boolean, };

export type Published = { server_image_id: string, 
/**
 * Where to see it on the server.
 */
url: string, };

