// placeholder: issue 7
