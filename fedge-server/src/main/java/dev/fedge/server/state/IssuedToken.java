package dev.fedge.server.state;

/**
 * A token just issued: the only time its secret is known.
 *
 * @param token the stored record
 * @param secret the secret to hand to the user, once
 */
public record IssuedToken(TokenRecord token, String secret) {

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "IssuedToken[" + token + "]";
  }
}
