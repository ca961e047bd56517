// The spectator page: joins the world's room as a viewer over the relay's signaling WebSocket
// (docs/signaling.md), shows the world's video and plays its sound, and sends the microphone while
// push-to-talk is held. Reconnects by itself after a network drop. No framework, no build step.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  if (document.body.dataset.state !== 'ok') return;

  const signalingUrl = document.querySelector('meta[name="portal-signaling"]').content;
  const invite = decodeURIComponent(location.pathname.slice(location.pathname.lastIndexOf('/') + 1));
  const video = $('world');
  const waiting = $('waiting');
  const banner = $('banner');
  const listenButton = $('listen');
  const talkButton = $('talk');
  const PING_MS = 20000;
  const STATS_MS = 2000;
  const MAX_BACKOFF_S = 15;

  // What the page is doing, for people debugging and for the browser tests.
  const portal = window.portal = { state: 'connecting', reconnects: 0, talking: false, listening: false, quality: null, lastError: null, lastDrop: null };

  let ws = null;
  let pc = null;
  let audioSender = null;
  let mic = null;
  let talking = false;
  let attempt = 0;
  let hadConnection = false;
  let timers = [];
  let bannerTimer = null;
  let previous = null; // the last stats sample, for rates

  function later(fn, ms) {
    const t = setTimeout(fn, ms);
    timers.push(t);
    return t;
  }

  function showBanner(text, good) {
    clearTimeout(bannerTimer);
    banner.textContent = text;
    banner.classList.toggle('good', !!good);
    banner.hidden = false;
    if (good) bannerTimer = setTimeout(() => { banner.hidden = true; }, 4000);
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function connect() {
    portal.state = attempt === 0 ? 'connecting' : 'reconnecting';
    ws = new WebSocket(signalingUrl);
    const socket = ws;
    socket.onopen = () => send({ type: 'hello', v: 1, role: 'viewer', invite });
    socket.onmessage = (e) => {
      let m;
      try { m = JSON.parse(e.data); } catch { return; }
      handle(m).catch((err) => { portal.lastError = String(err); dropped(); });
    };
    socket.onclose = (e) => { if (socket === ws) closed(e.code); };
  }

  async function handle(m) {
    switch (m.type) {
      case 'welcome': return startMedia(m);
      case 'answer': return pc && pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      case 'offer': {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        return send({ type: 'answer', sdp: answer.sdp });
      }
      case 'room.state': return showRoom(m);
      case 'speakers': return showSpeakers(m.speakers || []);
      case 'error': portal.lastError = m.code + ': ' + m.message; return undefined;
      default: return undefined;
    }
  }

  async function startMedia(welcome) {
    $('me').textContent = welcome.name || 'you';
    pc = new RTCPeerConnection({ iceServers: welcome.iceServers || [] });
    const peer = pc;
    // audio both ways (the world to us; our microphone only while talking), video to us only
    audioSender = peer.addTransceiver('audio', { direction: 'sendrecv' }).sender;
    peer.addTransceiver('video', { direction: 'recvonly' });
    const stream = new MediaStream();
    peer.ontrack = (e) => {
      stream.addTrack(e.track);
      if (video.srcObject !== stream) video.srcObject = stream;
      play();
    };
    peer.onconnectionstatechange = () => {
      if (peer !== pc) return;
      if (peer.connectionState === 'connected') connected();
      else if (peer.connectionState === 'failed') { portal.lastDrop = 'media failed'; dropped(); }
      else if (peer.connectionState === 'disconnected') {
        later(() => { if (peer === pc && peer.connectionState !== 'connected') { portal.lastDrop = 'media disconnected'; dropped(); } }, 4000);
      }
    };
    if (talking && mic) await audioSender.replaceTrack(mic.getAudioTracks()[0]);
    await peer.setLocalDescription(await peer.createOffer());
    send({ type: 'offer', sdp: peer.localDescription.sdp });
  }

  function connected() {
    portal.state = 'connected';
    talkButton.disabled = false;
    if (attempt > 0 || hadConnection) showBanner('Reconnected.', true);
    else banner.hidden = true;
    attempt = 0;
    hadConnection = true;
    timers.push(setInterval(() => send({ type: 'ping', id: Date.now() }), PING_MS));
    timers.push(setInterval(sampleStats, STATS_MS));
  }

  function teardown() {
    timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
    timers = [];
    if (ws) { const old = ws; ws = null; old.onclose = null; old.close(); }
    if (pc) { const old = pc; pc = null; old.close(); }
    audioSender = null;
    previous = null;
  }

  // The network dropped (the WebSocket closed or media failed): try again, waiting longer each time.
  function dropped() {
    if (portal.state === 'stopped') return;
    teardown();
    attempt += 1;
    portal.reconnects += 1;
    portal.state = 'reconnecting';
    talkButton.disabled = true;
    setQuality('poor', 'Connection lost');
    const wait = Math.min(MAX_BACKOFF_S, 2 ** (attempt - 1));
    let left = wait;
    const tick = () => {
      showBanner(left > 0 ? `Connection lost — reconnecting in ${left} s…` : 'Connection lost — reconnecting…');
      if (left-- > 0) later(tick, 1000);
      else connect();
    };
    tick();
  }

  function closed(code) {
    portal.lastDrop = 'signaling closed ' + code;
    if (code === 4003 || code === 4002) {
      stop(code === 4003 ? 'This link no longer works' : 'This page is out of date',
        code === 4003 ? 'It has expired or was not made by this relay. Run /portal invite in the Discord channel for a new personal link.'
                      : 'The relay speaks a newer protocol. Reload the page.');
      return;
    }
    dropped();
  }

  function stop(title, message) {
    teardown();
    portal.state = 'stopped';
    stopTalking();
    $('problem-title').textContent = title;
    $('problem').querySelector('p').textContent = message;
    banner.hidden = true;
    document.body.classList.add('stopped');
  }

  function play() {
    video.play().catch(() => { /* blocked until "Click to listen"; the muted video keeps playing */ });
  }

  listenButton.addEventListener('click', () => {
    video.muted = false;
    portal.listening = true;
    document.body.classList.add('listening');
    play();
    talkButton.focus();
  });

  video.addEventListener('playing', () => { waiting.hidden = true; });
  video.addEventListener('emptied', () => { waiting.hidden = false; });

  // Push-to-talk: the microphone goes out only while held; in between nothing is sent at all.
  async function startTalking() {
    if (talking || !audioSender) return;
    talking = true;
    portal.talking = true;
    talkButton.setAttribute('aria-pressed', 'true');
    try {
      if (!mic) {
        mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
      }
      if (talking && audioSender) await audioSender.replaceTrack(mic.getAudioTracks()[0]);
    } catch (err) {
      stopTalking();
      showBanner('No microphone: ' + (err && err.name === 'NotAllowedError' ? 'the browser was not allowed to use it.' : 'none was found.'));
    }
  }

  function stopTalking() {
    if (!talking) return;
    talking = false;
    portal.talking = false;
    talkButton.setAttribute('aria-pressed', 'false');
    if (audioSender) audioSender.replaceTrack(null).catch(() => {});
  }

  talkButton.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    talkButton.setPointerCapture(e.pointerId);
    startTalking();
  });
  ['pointerup', 'pointercancel', 'lostpointercapture'].forEach((type) => talkButton.addEventListener(type, stopTalking));
  talkButton.addEventListener('contextmenu', (e) => e.preventDefault());
  talkButton.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.repeat) { e.preventDefault(); startTalking(); }
  });
  talkButton.addEventListener('keyup', (e) => { if (e.key === 'Enter') stopTalking(); });

  // Space anywhere but on another control holds push-to-talk.
  const spaceTalks = (e) => e.code === 'Space' && (e.target === document.body || e.target === talkButton || e.target === video);
  document.addEventListener('keydown', (e) => {
    if (!spaceTalks(e)) return;
    e.preventDefault();
    if (!e.repeat) startTalking();
  });
  document.addEventListener('keyup', (e) => {
    if (!spaceTalks(e)) return;
    e.preventDefault();
    stopTalking();
  });
  window.addEventListener('blur', stopTalking);
  document.addEventListener('visibilitychange', () => { if (document.hidden) stopTalking(); });

  function showRoom(m) {
    $('world-name').textContent = m.world + (m.map ? ' · ' + m.map : '');
    document.title = m.world + ' · Inward Portal';
    const names = (m.players || []).map((p) => p.name);
    const count = typeof m.count === 'number' ? m.count : names.length;
    const shown = names.slice(0, 8).join(', ');
    const more = count > 8 ? ` and ${count - 8} more` : '';
    $('players').textContent = count === 0 ? 'Nobody is in the world.'
      : `${count} ${count === 1 ? 'player' : 'players'}${shown ? ': ' + shown + more : ''}`;
  }

  function showSpeakers(list) {
    const names = list.map((s) => s.name);
    $('speaking').textContent = names.length ? 'Talking: ' + names.join(', ') : '';
  }

  function setQuality(level, text) {
    $('quality').dataset.level = level;
    $('quality-text').textContent = text;
  }

  // Connection quality from the browser's own statistics: round trip, loss and frame rate.
  async function sampleStats() {
    if (!pc) return;
    const stats = await pc.getStats();
    const now = { time: performance.now(), lost: 0, received: 0, rtt: null, fps: null, frames: 0, energy: 0 };
    stats.forEach((r) => {
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded' && r.currentRoundTripTime !== undefined) now.rtt = r.currentRoundTripTime;
      if (r.type === 'inbound-rtp') {
        now.lost += r.packetsLost || 0;
        now.received += r.packetsReceived || 0;
        if (r.kind === 'video') { now.fps = r.framesPerSecond ?? null; now.frames = r.framesDecoded || 0; }
        if (r.kind === 'audio') now.energy = r.totalAudioEnergy || 0;
      }
    });
    const before = previous;
    previous = now;
    if (!before) return;
    const lost = now.lost - before.lost;
    const total = lost + now.received - before.received;
    const loss = total > 0 ? Math.max(0, lost / total) : 0;
    const rttMs = now.rtt === null ? null : Math.round(now.rtt * 1000);
    const level = loss < 0.02 && (rttMs === null || rttMs < 150) ? 'good' : loss < 0.08 && (rttMs === null || rttMs < 400) ? 'fair' : 'poor';
    const parts = [level[0].toUpperCase() + level.slice(1)];
    if (rttMs !== null) parts.push(rttMs + ' ms');
    parts.push(Math.round(loss * 100) + ' % loss');
    if (now.fps !== null) parts.push(Math.round(now.fps) + ' fps');
    setQuality(level, parts.join(' · '));
    portal.quality = { level, rttMs, loss, fps: now.fps, framesDecoded: now.frames, audioEnergy: now.energy };
  }

  connect();
})();
