export { renderIdCardBack, renderIdCardFront, idCardImageSize } from './card';
export type { IdCardBackInput, IdCardFrontInput } from './card';
export { renderFace, faceImageSize } from './face';
export type { FaceInput } from './face';
export { cardQualityWarnings } from './warnings';
export type { CardQualityWarning } from './warnings';
export type { ImageFormat, RenderOptions } from './draw';
