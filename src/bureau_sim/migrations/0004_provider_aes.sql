-- AES-CBC for a provider's uploads (BUREAU-PROTOCOL.md §1.5): the key and the IV (密钥偏移量)
-- the bureau and the provider agreed out of band, used as ASCII bytes. The provider picks
-- encryptAlgorithm per upload; a payload with 1 is decrypted with these, so a provider without
-- them can send only 0. Both or neither; a key of 16, 24 or 32 characters, an IV of 16.
ALTER TABLE providers ADD COLUMN aes_key TEXT
  CHECK (aes_key IS NULL OR length(aes_key) IN (16, 24, 32));
ALTER TABLE providers ADD COLUMN aes_iv TEXT
  CHECK ((aes_iv IS NULL) = (aes_key IS NULL) AND (aes_iv IS NULL OR length(aes_iv) = 16));
