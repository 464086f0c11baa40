// Standard, padded base64 of bytes (the host's update_file "data"). String.fromCharCode takes
// its bytes as arguments, so it is fed slices: a whole 1 MiB chunk would overflow the stack.

const SLICE = 0x8000;

export function toBase64(bytes) {
  if (typeof bytes.toBase64 === 'function') return bytes.toBase64();
  let binary = '';
  for (let at = 0; at < bytes.length; at += SLICE) {
    binary += String.fromCharCode.apply(null, bytes.subarray(at, at + SLICE));
  }
  return btoa(binary);
}
