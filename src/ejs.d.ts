// EJS 7 ships no type declarations: the one function Lentera calls (src/app.ts).
declare module 'ejs' {
  export interface RenderFileOptions {
    /** Where includes written from the root ('/partials/head') are found. */
    root?: string;
    /** Compile each template once and keep it. */
    cache?: boolean;
  }
  export function renderFile(
    path: string,
    data: object,
    options: RenderFileOptions,
    callback: (err: Error | null, html?: string) => void,
  ): void;
}
