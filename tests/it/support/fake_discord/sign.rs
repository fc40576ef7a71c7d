//! Signing HTTP interactions the way Discord does, with a key the test owns.

use ed25519_dalek::{Signer, SigningKey};

#[derive(Clone)]
pub struct TestKey(SigningKey);

impl TestKey {
    pub fn new() -> Self {
        let seed: [u8; 32] = rand::random();
        Self(SigningKey::from_bytes(&seed))
    }

    /// What goes in DISCORD_PUBLIC_KEY.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// The `X-Signature-Ed25519` value for `timestamp ‖ body`.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let message = [timestamp.as_bytes(), body].concat();
        hex::encode(self.0.sign(&message).to_bytes())
    }
}
