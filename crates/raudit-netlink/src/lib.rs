//! NETLINK_AUDIT client: a thin layer over the socket.
