import { deviceMaskSelection } from './mask-selection-device.js';
import { planUpdate, type UpdateInputs, type UpdatePlan } from './mask-update.js';

/** {@link planUpdate} with device selection ({@link deviceMaskSelection}: `maskSelect`, one finiteness read per update). */
export function planUpdateOnDevice(inputs: UpdateInputs): Promise<UpdatePlan> {
  return planUpdate(inputs, deviceMaskSelection);
}
