export type ImageHashErrorCode = 'unsupported_image' | 'corrupt_image' | 'image_too_large';

/** Typed failure for image hashing: callers branch on `code`, never on the message. */
export class ImageHashError extends Error {
  readonly code: ImageHashErrorCode;

  constructor(code: ImageHashErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageHashError';
    this.code = code;
  }
}
