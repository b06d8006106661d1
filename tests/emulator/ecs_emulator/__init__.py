"""Loopback emulator of the ECS 2014-05-26 security group API, for tests and demos."""

API_VERSION = '2014-05-26'
