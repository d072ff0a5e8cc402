import { Module } from '@nestjs/common';
import { ForgetErasedKeysReactor } from '../application/privacy/forget-erased-keys.reactor';

/** A customer's erasure, as far as the running app takes part in it: forgetting the erased conversation keys. */
@Module({
  providers: [ForgetErasedKeysReactor],
  exports: [ForgetErasedKeysReactor],
})
export class PrivacyModule {}
