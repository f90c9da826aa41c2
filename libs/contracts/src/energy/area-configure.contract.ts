import { z } from 'zod';
import { defineRpc } from '../contract';
import { areaConfig, areaView } from './area';

/**
 * An operator creates or replaces an area's configuration. Markets (area, interval) that are
 * already open keep the configuration they opened with; later intervals use the new one. A
 * zone belongs to one area only (ALREADY_EXISTS otherwise).
 */
export const AreaConfigure = defineRpc(
  'rpc.energy.area.configure',
  z.strictObject({ area: areaConfig, actor: z.string().min(1).max(200) }),
  z.strictObject({ area: areaView }),
);

/** Every configured area. */
export const AreaList = defineRpc('rpc.energy.area.list', z.strictObject({}), z.strictObject({ areas: z.array(areaView).max(1000) }));
