// Devices as the gPodder API names and types them.
import { DEVICE_TYPES, type DeviceType } from '../domain/sync.ts';

/** mygpo's URL pattern for device ids. */
export const DEVICE_ID_PATTERN = /^[\w.-]{1,64}$/;

export function isDeviceType(value: string): value is DeviceType {
  return (DEVICE_TYPES as readonly string[]).includes(value);
}

/**
 * The type we emit in device lists. mygpoclient 1.9 raises ValueError on the whole list for a type outside
 * desktop/laptop/mobile/server/other, so a stored `tablet` is listed as `mobile` (AntennaPod maps unknown types to
 * OTHER anyway). The stored value is kept as the client sent it.
 */
export function emittedDeviceType(type: DeviceType): Exclude<DeviceType, 'tablet'> {
  return type === 'tablet' ? 'mobile' : type;
}
