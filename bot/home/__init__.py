"""What a person sees about their own year: what they owe now."""
