/**
 * The demo's broadcast pages: the broadcaster (webcam → canvas → JPEG → POST /ingest) and the
 * watch page (one `<img>` with a signed source).
 *
 * @module
 */

const STYLE = `<style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem;color:#1d2630}
img.live,video{display:block;width:100%;height:auto;max-width:640px;background:#222}
code{background:#eef2f5;padding:0 .25em} label{margin-right:1rem}
#status{padding:.4em .75em;border-radius:6px;font-weight:600;background:#eef2f5;border:1px solid #cfd8df}
#status.live{background:#e6f6ea;border-color:#8fc79d;color:#1d5c2e}
#status.error{background:#fde8e8;border-color:#e0a0a0;color:#8a1c1c}
</style>`;

// Runs in the broadcaster's browser. The token is checked before the camera is opened, so a
// refused token never shows a preview that looks like a broadcast. Sequential POSTs: the hub
// takes one publisher at a time, and a slow uplink lowers the rate instead of piling requests
// up. Stop aborts the request in flight, releases the camera and says so at once.
const SCRIPT = `
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.hash.slice(1));
$("token").value = params.get("token") || "";
$("fps").value = params.get("fps") || "5";
let session = null;
function show(text, kind) {
  $("status").textContent = text;
  $("status").className = kind;
}
function release(media) {
  if (!media) return;
  for (const track of media.getTracks()) track.stop();
  if ($("video").srcObject === media) $("video").srcObject = null;
}
async function start() {
  if (session) return;
  const current = session = new AbortController();
  const { signal } = current;
  const token = $("token").value.trim();
  const fps = Math.min(15, Math.max(1, Number($("fps").value) || 5));
  let media = null;
  show("starting: checking the token", "");
  try {
    const auth = { authorization: "Bearer " + token };
    const link = await fetch("/watch-link", { method: "POST", headers: auth, signal });
    if (!link.ok) throw new Error("the token was refused (" + link.status + ")");
    const url = new URL((await link.json()).url, location.href).href;
    $("link").href = url;
    $("link").textContent = url;
    media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
    if (signal.aborted) return;
    const video = $("video");
    video.srcObject = media;
    await video.play();
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 320;
    canvas.height = video.videoHeight || 240;
    const context = canvas.getContext("2d");
    let sent = 0;
    while (!signal.aborted) {
      const due = performance.now() + 1000 / fps;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.7));
      const answer = await fetch("/ingest", {
        method: "POST",
        headers: { ...auth, "content-type": "image/jpeg" },
        body: jpeg,
        signal,
      });
      if (!answer.ok) throw new Error("ingest answered " + answer.status + ": " + await answer.text());
      if (signal.aborted) break;
      show("live: " + ++sent + " frames sent at " + fps + " fps", "live");
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
  } catch (error) {
    if (!signal.aborted) show("stopped: " + error.message, "error");
  } finally {
    release(media);
    if (session === current) session = null;
  }
}
function stop() {
  if (!session) return;
  session.abort();
  session = null;
  release($("video").srcObject);
  show("stopped: nothing is sent; viewers see OFFLINE in a moment", "");
}
$("start").onclick = start;
$("stop").onclick = stop;
if (params.has("token")) start();
`;

/**
 * The broadcaster's page. The token and fps may come in the fragment (`#token=…&fps=10`), which
 * never reaches a server log; with a token there it starts at once.
 *
 * @example
 * ```ts ignore
 * new Response(broadcastPage(), { headers: { "content-type": "text/html" } });
 * ```
 */
export function broadcastPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>multipart-push: broadcast your webcam</title>${STYLE}</head><body>
<h1>Broadcast your webcam</h1>
<p>Frames are drawn on a canvas, encoded as JPEG and posted to <code>/ingest</code>, one per request.</p>
<p><label>Publisher token <input id="token" type="password" size="28"></label>
<label>fps <input id="fps" type="number" min="1" max="15" value="5" style="width:4em"></label>
<button id="start">Start</button> <button id="stop">Stop</button></p>
<p id="status" role="status" aria-live="polite">not started</p>
<video id="video" muted playsinline></video>
<p>Viewers' link (signed, valid one hour): <a id="link" href="#"></a></p>
<script type="module">${SCRIPT}</script>
</body></html>`;
}

/**
 * The watch page: the broadcast as a plain `<img>` whose `src` is a signed, expiring URL.
 *
 * @example
 * ```ts ignore
 * new Response(watchPage(await signUrl("/webcam", secret)), { headers: { "content-type": "text/html" } });
 * ```
 */
export function watchPage(src: string): string {
  const safe = src.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>multipart-push: live webcam</title>${STYLE}</head><body>
<h1>Live webcam</h1>
<img class="live" id="img" src="${safe}" alt="live webcam" width="320" height="240">
<p>No JavaScript: a <code>multipart/x-mixed-replace</code> push into an <code>&lt;img&gt;</code>.
While nobody broadcasts it shows OFFLINE, and the picture comes back by itself.</p>
</body></html>`;
}
