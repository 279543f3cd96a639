// main.cpp - placeholder until the bench lands.
int main() { return 0; }
