"""The reply path: updates already handled, and the replies stored with the state that
caused them."""
