"""Password hashing (bcrypt). ``BCRYPT_ROUNDS`` lowers the cost for test runs only."""
import os

import bcrypt


def _rounds():
    return int(os.environ.get("BCRYPT_ROUNDS", "12"))


def hash_password(password):
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(_rounds())).decode()


def verify_password(password, hashed):
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False


# A real hash to compare against when the user does not exist, so both paths cost the same.
_DUMMY = None


def verify_against_nothing(password):
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password("not-a-real-password")
    verify_password(password, _DUMMY)
    return False
