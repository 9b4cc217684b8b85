// The console's WebRTC join: one RTCPeerConnection and the local camera/microphone, owned here; the Blazor
// JoinPanel drives it through these exports only (preview, stopPreview, offer, answer, setEnabled, useDevice,
// close). The worker is ICE-lite with BUNDLE and rtcp-mux and takes one complete offer (no trickle).

let shown = null;        // the preview before joining: { el, stream }
let call = null;         // { pc, local, remote, previewEl, compositeEl, dotnet }

const ICE_GATHERING_LIMIT_MS = 10000;

function stopStream(stream) {
  stream?.getTracks().forEach(t => t.stop());
}

function constraint(deviceId) {
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}

/** The name of what went wrong getting media (NotAllowedError, NotFoundError, NotReadableError...). */
function mediaError(e) {
  return (e && e.name) || 'MediaError';
}

async function devices() {
  const all = navigator.mediaDevices?.enumerateDevices ? await navigator.mediaDevices.enumerateDevices() : [];
  // Chromium also lists 'default' and 'communications' aliases: the panel's own Default choice covers them.
  const pick = kind => all.filter(d => d.kind === kind && d.deviceId && d.deviceId !== 'default' && d.deviceId !== 'communications')
    .map(d => ({ id: d.deviceId, label: d.label || '' }));
  return { audio: pick('audioinput'), video: pick('videoinput') };
}

function attach(el, stream, muted) {
  if (!el) return;
  // Blazor sets attributes after creating the element, so the muted attribute alone does not mute it.
  if (muted) el.muted = true;
  el.srcObject = stream;
  el.play?.().catch(() => { });
}

/** Starts (or restarts, on a device change) the camera and microphone preview in the muted local video.
 *  Answers { error: null | name, devices: { audio: [{id,label}], video: [...] } }. */
export async function preview(el, audioId, videoId) {
  stopPreview();
  if (!navigator.mediaDevices?.getUserMedia) {
    return { error: 'NoMediaDevices', devices: { audio: [], video: [] } };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: constraint(audioId), video: constraint(videoId) });
    shown = { el, stream };
    attach(el, stream, true);
    return { error: null, devices: await devices() };
  } catch (e) {
    return { error: mediaError(e), devices: await devices().catch(() => ({ audio: [], video: [] })) };
  }
}

export function stopPreview() {
  if (shown) {
    stopStream(shown.stream);
    if (shown.el) shown.el.srcObject = null;
    shown = null;
  }
}

function waitForIce(pc) {
  return new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const done = () => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(); };
    const check = () => pc.iceGatheringState === 'complete' && done();
    const timer = setTimeout(done, ICE_GATHERING_LIMIT_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Creates the peer connection and its complete offer. mode: 'video' (camera and microphone), 'audio' (microphone,
 *  receives the composite) or 'watch' (receive only, no getUserMedia). The received stream plays in compositeEl; the
 *  connection's state goes to dotnet.OnConnectionState. Answers { sdp, error, devices } (error: why media was
 *  refused; devices as preview lists them). */
export async function offer(options, previewEl, compositeEl, dotnet) {
  close();
  stopPreview();
  const mode = options.mode;
  let local = null;
  if (mode !== 'watch') {
    if (!navigator.mediaDevices?.getUserMedia) return { sdp: null, error: 'NoMediaDevices', devices: null };
    try {
      local = await navigator.mediaDevices.getUserMedia({
        audio: constraint(options.audioId),
        video: mode === 'video' ? constraint(options.videoId) : false,
      });
    } catch (e) {
      return { sdp: null, error: mediaError(e), devices: null };
    }
  }
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const remote = new MediaStream();
  call = { pc, local, remote, previewEl, compositeEl, dotnet };
  pc.ontrack = e => {
    remote.addTrack(e.track);
    attach(compositeEl, remote);
  };
  pc.onconnectionstatechange = () => {
    if (call?.pc === pc) dotnet.invokeMethodAsync('OnConnectionState', pc.connectionState).catch(() => { });
  };
  const audio = local?.getAudioTracks()[0];
  const video = local?.getVideoTracks()[0];
  if (audio) pc.addTrack(audio, local); else pc.addTransceiver('audio', { direction: 'recvonly' });
  if (video) pc.addTrack(video, local); else pc.addTransceiver('video', { direction: 'recvonly' });
  if (video) attach(previewEl, new MediaStream([video]), true);
  await pc.setLocalDescription(await pc.createOffer());
  await waitForIce(pc);
  return { sdp: pc.localDescription.sdp, error: null, devices: await devices().catch(() => null) };
}

/** The worker's answer. */
export async function answer(sdp) {
  if (!call) throw new Error('no call');
  await call.pc.setRemoteDescription({ type: 'answer', sdp });
  attach(call.compositeEl, call.remote);
}

/** Microphone mute or camera off: the track stays, sending silence or black. kind: 'audio' | 'video'. */
export function setEnabled(kind, enabled) {
  call?.local?.getTracks().filter(t => t.kind === kind).forEach(t => { t.enabled = enabled; });
}

/** Another microphone or camera during the call: replaces the sender's track (no renegotiation). Answers null or
 *  why the device could not be opened. */
export async function useDevice(kind, deviceId) {
  if (!call?.local) return 'NotInCall';
  const sender = call.pc.getSenders().find(s => s.track?.kind === kind);
  if (!sender) return 'NotSending';
  let fresh;
  try {
    const stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraint(deviceId) } : { video: constraint(deviceId) });
    fresh = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  } catch (e) {
    return mediaError(e);
  }
  const old = sender.track;
  fresh.enabled = old.enabled;
  await sender.replaceTrack(fresh);
  call.local.removeTrack(old);
  call.local.addTrack(fresh);
  old.stop();
  if (kind === 'video') attach(call.previewEl, new MediaStream([fresh]), true);
  return null;
}

/** Ends the call here (the API's leave is the caller's): the connection, the camera and the microphone. */
export function close() {
  if (!call) return;
  const { pc, local, previewEl, compositeEl } = call;
  call = null;
  try { pc.close(); } catch { }
  stopStream(local);
  if (previewEl) previewEl.srcObject = null;
  if (compositeEl) compositeEl.srcObject = null;
}

// Closing or leaving the page closes the connection, so the worker sees the browser go at once.
window.addEventListener('pagehide', () => { close(); stopPreview(); });
